/**
 * What the kind path pins: the kind release, its node image (by digest) and Argo CD. The node
 * image's Kubernetes minor must lie in the range the pinned KEDA is tested against
 * (`KEDA_KUBERNETES_RANGE`, checked by the tests against `HELM_CHARTS.keda`).
 */

/**
 * Kubernetes minors each KEDA minor is tested against, from KEDA's compatibility matrix
 * (keda.sh/docs/2.20/operate/cluster, "Kubernetes Compatibility": v2.20 → v1.33 – v1.35; v2.16 →
 * v1.29 – v1.31). KEDA v2.20.2 builds against k8s.io/client-go v0.35 (its go.mod `replace`).
 */
export const KEDA_KUBERNETES_RANGE: Readonly<Record<string, { readonly min: string; readonly max: string }>> =
  {
    "2.16": { min: "1.29", max: "1.31" },
    "2.20": { min: "1.33", max: "1.35" },
  };

/**
 * The kind release: installed by the e2e workflow with `go install sigs.k8s.io/kind@<version>`
 * (checked against the Go checksum database). Its node image below is that release's default
 * (kubernetes-sigs/kind v0.31.0, pkg/apis/config/defaults/image.go), so the pair is one kind
 * tested together: kind only promises the images listed for its own release.
 */
export const KIND_VERSION = "v0.31.0";

/** kindest/node for Kubernetes 1.35.0, by digest (kind v0.31.0's default image). */
export const KIND_NODE_IMAGE =
  "kindest/node:v1.35.0@sha256:452d707d4862f52530247495d180205e029056831160e22870e37e3f6c1ac31f";

/** The Kubernetes minor the node image runs, read from its tag (`1.35`). */
export function nodeImageMinor(image: string = KIND_NODE_IMAGE): string {
  const match = /:v(\d+)\.(\d+)\.\d+(?:@|$)/.exec(image);
  if (match === null) throw new Error(`node image ${image}: no vX.Y.Z tag`);
  return `${match[1]}.${match[2]}`;
}

/**
 * Argo CD, installed from its release manifest: the newest v3 release (argoproj/argo-cd tag
 * v3.5.1), the same one docs/deploy.md installs by hand.
 */
export const ARGO_CD_VERSION = "v3.5.1";

/** Argo CD's non-HA install manifest of the pinned release. */
export const ARGO_CD_INSTALL_URL = `https://raw.githubusercontent.com/argoproj/argo-cd/${ARGO_CD_VERSION}/manifests/install.yaml`;
