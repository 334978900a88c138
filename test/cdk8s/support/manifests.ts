/** The synthesized documents, parsed, for the checks in test/cdk8s/. */
import { parse } from "yaml";
import type { SynthesizedFile } from "../../../cdk8s/synth.js";

export interface KubeDoc {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    finalizers?: string[];
    creationTimestamp?: unknown;
  };
  // Documents are checked structurally; the fields differ per kind.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  data?: any;
}

export interface ParsedFile {
  readonly path: string;
  readonly doc: KubeDoc;
}

export function parseFiles(files: readonly SynthesizedFile[]): ParsedFile[] {
  return files.map((f) => ({ path: f.path, doc: parse(f.content) as KubeDoc }));
}

/** Documents under a folder prefix (e.g. "dist-manifests/dev/"). */
export function docsUnder(files: readonly ParsedFile[], prefix: string): KubeDoc[] {
  return files.filter((f) => f.path.startsWith(prefix)).map((f) => f.doc);
}

/** Does a label selector (matchLabels + In/NotIn/Exists expressions) match these labels? */
export function selectorMatches(
  selector: {
    matchLabels?: Record<string, string>;
    matchExpressions?: { key: string; operator: string; values?: string[] }[];
  },
  labels: Record<string, string> = {},
): boolean {
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (selector.matchExpressions ?? []).every((e) => {
    const value = labels[e.key];
    switch (e.operator) {
      case "In":
        return value !== undefined && (e.values ?? []).includes(value);
      case "NotIn":
        return value === undefined || !(e.values ?? []).includes(value);
      case "Exists":
        return value !== undefined;
      case "DoesNotExist":
        return value === undefined;
      default:
        throw new Error(`unknown selector operator ${e.operator}`);
    }
  });
  return byLabels && byExpressions;
}
