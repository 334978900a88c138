// @ts-check
/**
 * The repository's layering, checked by `npm run lint` (`npm run layers`). Every import, type-only
 * ones included, points down or sideways, never up, and never in a circle:
 *
 *   src/util < src/broker < src/runtime < src/apps            the shipped apps
 *   src, tooling < cdk8s < dashboards/src                      what the cluster is made of
 *   cdk8s/config.ts, cdk8s/lib < cdk8s/observability < cdk8s/charts < cdk8s/argocd < cdk8s/synth.ts < cdk8s/main.ts
 *   testkit < bench, local                                     what runs the apps on this machine
 *   everything above < scripts (npm command entry points) < test
 *
 * tooling/ (CLI parsing, the repository root, the build and docs helpers) sits low so that
 * cdk8s/main.ts, the bench and the local run share it. Nothing the cluster runs or is made of
 * (src/, cdk8s/) imports the local run or the test kit.
 *
 * @type {import("dependency-cruiser").IConfiguration}
 */

/** Top-level folders, lowest first in each chain. */
const ABOVE_SRC = "^(cdk8s|dashboards|tooling|testkit|local|bench|scripts|test)/";
const ABOVE_TOOLING = "^(cdk8s|dashboards|testkit|local|bench|scripts|test)/";
const ABOVE_CDK8S = "^(dashboards|testkit|local|bench|scripts|test)/";
const ABOVE_TESTKIT = "^(local|bench|scripts|test)/";

/** A forbidden arrow: from modules matching `from` to modules matching `to`; `comment` says why. */
const forbid = (name, from, to, comment) => ({ name, comment, severity: "error", from, to });

export default {
  forbidden: [
    forbid(
      "no-circular",
      {},
      { circular: true },
      "An import circle: the modules cannot be understood, tested or layered one at a time.",
    ),
    forbid(
      "src-stays-inside",
      { path: "^src/" },
      { path: ABOVE_SRC },
      "The shipped apps import nothing from the repository's tooling, manifests, kit or tests.",
    ),
    forbid(
      "src-util-is-the-bottom",
      { path: "^src/util/" },
      { path: "^src/(broker|runtime|apps)/" },
      "src/util holds generic helpers: it imports no broker, runtime or app code.",
    ),
    forbid(
      "src-broker-below-runtime",
      { path: "^src/broker/" },
      { path: "^src/(runtime|apps)/" },
      "The broker adapters know nothing of the app runtime or the apps.",
    ),
    forbid(
      "src-runtime-below-apps",
      { path: "^src/runtime/" },
      { path: "^src/apps/" },
      "The runtime serves both apps and imports neither.",
    ),
    forbid(
      "src-apps-apart",
      { path: "^src/apps/(producer|consumer)/" },
      { path: "^src/apps/", pathNot: "^src/apps/$1/" },
      "The producer and the consumer share code through src/runtime, not through each other.",
    ),
    forbid(
      "tooling-is-low",
      { path: "^tooling/" },
      { path: ABOVE_TOOLING },
      "tooling/ is shared by cdk8s/main.ts, the bench, the local run and the commands: it imports none of them.",
    ),
    forbid(
      "cdk8s-below-kit-and-commands",
      { path: "^cdk8s/" },
      { path: ABOVE_CDK8S },
      "The manifests are made from src/ and cdk8s/ alone: never from the local run, the test kit, the bench, the commands or the tests.",
    ),
    forbid(
      "cdk8s-config-is-data",
      { path: "^cdk8s/config[.]ts$" },
      { path: "^cdk8s/(observability/|charts/|argocd/|synth[.]ts|main[.]ts)" },
      "cdk8s/config.ts is the settings the constructs and charts read; it builds nothing from them.",
    ),
    forbid(
      "cdk8s-lib-below-charts",
      { path: "^cdk8s/lib/" },
      { path: "^cdk8s/(observability/|charts/|argocd/|synth[.]ts|main[.]ts)" },
      "cdk8s/lib holds the constructs: the rule sets, charts, Argo CD apps and the synth entry build on it, not it on them.",
    ),
    forbid(
      "cdk8s-observability-below-charts",
      { path: "^cdk8s/observability/" },
      { path: "^cdk8s/(charts/|argocd/|synth[.]ts|main[.]ts)" },
      "The rule and dashboard constructs are used by the charts; they do not reach into them.",
    ),
    forbid(
      "cdk8s-charts-below-argocd",
      { path: "^cdk8s/charts/" },
      {
        path: "^cdk8s/(argocd/|synth[.]ts|main[.]ts)",
      },
      "The Argo CD charts point Applications at the app charts; the app charts know nothing of Argo CD " +
        "(what both need, such as sealing a secret, lives below them).",
    ),
    forbid(
      "cdk8s-synth-below-main",
      { path: "^cdk8s/(?!main[.]ts$)" },
      { path: "^cdk8s/main[.]ts$" },
      "cdk8s/synth.ts is the library the commands and tests call; main.ts is only its CLI.",
    ),
    forbid(
      "dashboards-below-kit",
      { path: "^dashboards/" },
      { path: "^(testkit|local|bench|scripts|test)/" },
      "The dashboards are made from the metrics' names and the manifests' settings only.",
    ),
    forbid(
      "testkit-below-its-users",
      { path: "^testkit/" },
      { path: ABOVE_TESTKIT },
      "The test kit serves the tests, the bench and the local run; it imports none of them.",
    ),
    forbid(
      "bench-and-local-apart",
      { path: "^(bench|local)/" },
      { path: "^(bench|local|scripts|test)/", pathNot: "^$1/" },
      "The bench and the local run are separate applications on the same kit.",
    ),
    forbid(
      "scripts-below-tests",
      { path: "^(?!test/|scripts/)" },
      { path: "^scripts/" },
      "The npm command entry points are not a library for anything but the tests.",
    ),
    forbid(
      "nothing-imports-tests",
      { pathNot: "^test/" },
      { path: "^test/" },
      "Tests import the code, never the other way round.",
    ),
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|dist|cdk8s/imports)/" },
    // Type-only imports count: a type import upward ties the layers as much as a value import.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".mts", ".js", ".mjs", ".cjs", ".json"],
    },
  },
};
