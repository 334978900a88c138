/** The config editor lives in tooling/ (the kind path's e2e-prepare uses it too); the commands import it from here. */
export * from "../../tooling/ts-config-edit.js";
