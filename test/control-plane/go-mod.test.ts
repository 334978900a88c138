// The control-plane Go modules build what upstream builds: each go.mod's replace block is the one mirrored from
// the go.mod of the upstream module at the version it requires (regenerate with `npm run control-plane:go-mod`).
import { describe, expect, it } from "vitest";
import { expectedGoMod, mirroredReplaces, MIRRORED_MODULES } from "./go-mod.js";

describe("the control-plane Go modules", () => {
  it.each(MIRRORED_MODULES.map((module) => [module.upstream, module] as const))(
    "mirror the replace lines of %s",
    (_upstream, module) => {
      const { current, expected } = expectedGoMod(module);
      expect(current).toBe(expected);
    },
  );

  it("turns Kubernetes staging directories into their v0 releases and refuses other local replaces", () => {
    const upstream =
      "replace (\n\tk8s.io/api => ./staging/src/k8s.io/api\n\tfoo/bar => foo/bar v1.2.3 // pinned\n)\n";
    expect(mirroredReplaces("k8s.io/kubernetes", upstream, "v1.35.5")).toContain(
      "\tk8s.io/api => k8s.io/api v0.35.5\n\tfoo/bar => foo/bar v1.2.3\n",
    );
    expect(() => mirroredReplaces("x", "replace y => ../y\n", "v1.0.0")).toThrow(
      /cannot mirror the local replace/,
    );
  });
});
