import js from "@eslint/js";
import tseslint from "typescript-eslint";

/**
 * The layers of docs/architecture.md#layers, one block per folder: the import specifiers each folder
 * may not use. Specifiers are matched as written, so `../` is "outside this folder" and `../../` is
 * "outside src/". test/unit/lint/layers.test.ts proves every block fails a cross-layer import.
 */
const OUTSIDE_SRC = { regex: "^(\\.\\./){2}", message: "src/ does not import emulator/, test/ or bench/." };
const OUTSIDE_SRC_DEEP = {
  regex: "^(\\.\\./){3}",
  message: "src/ does not import emulator/, test/ or bench/.",
};
const AZURE_ADAPTERS =
  "src/azure/ holds adapters: it implements ports and is used by src/functions/ and src/cli/, never the reverse.";
const AZURE_SDK = {
  regex: "^@azure/",
  message: "Only src/azure/ talks to Azure SDKs (docs/architecture.md#layers).",
};
const layer = (files, message, ...regexes) => ({
  files,
  rules: {
    "no-restricted-imports": [
      "error",
      { patterns: regexes.map((r) => (typeof r === "string" ? { regex: r, message } : r)) },
    ],
  },
});
export const layerRules = [
  layer(
    ["src/reconcile/**/*.ts"],
    "src/reconcile/ is the domain: it imports nothing outside itself.",
    "^\\.\\./",
    AZURE_SDK,
  ),
  layer(
    ["src/what-if/**/*.ts"],
    "src/what-if/ is the what-if analysis: it imports only src/reconcile/.",
    "^\\.\\./(?!reconcile/)",
    AZURE_SDK,
  ),
  layer(
    ["src/config.ts"],
    "src/config.ts imports only src/reconcile/ and the cloud table src/azure/clouds.ts.",
    // ARM_CLOUD names a cloud from the table the ARM adapter uses too; that one module imports nothing.
    "^\\./(?!reconcile/|azure/clouds\\.js$)",
    "^\\.\\./",
    AZURE_SDK,
  ),
  layer(
    ["src/alerts/**/*.ts"],
    "src/alerts/ imports only src/reconcile/ and src/config.ts.",
    "^\\.\\./(app|azure|functions|cli|status)/",
    OUTSIDE_SRC,
    AZURE_SDK,
  ),
  layer(
    ["src/app/**/*.ts"],
    "src/app/ imports only src/reconcile/ (and @azure/eventgrid to parse events).",
    "^\\.\\./(alerts|azure|functions|cli|status|config)[/.]",
    OUTSIDE_SRC,
    { regex: "^@azure/(?!eventgrid$)", message: AZURE_SDK.message },
  ),
  layer(
    ["src/status/**/*.ts"],
    "src/status/ imports only src/reconcile/ and src/app/.",
    "^\\.\\./(alerts|azure|functions|cli|config)[/.]",
    OUTSIDE_SRC,
    AZURE_SDK,
  ),
  layer(["src/azure/*.ts"], AZURE_ADAPTERS, "^\\.\\./(functions|cli|status)/", OUTSIDE_SRC),
  // One folder deeper: `../../` is src/, `../../../` outside it.
  layer(
    ["src/azure/arm/**/*.ts"],
    `${AZURE_ADAPTERS} src/azure/arm/ is the ARM client; it does not use the storage adapters.`,
    "^(\\.\\./){2}(functions|cli|status)/",
    "^\\.\\./storage/",
    OUTSIDE_SRC_DEEP,
  ),
  layer(
    ["src/azure/storage/**/*.ts"],
    `${AZURE_ADAPTERS} src/azure/storage/ holds the Storage adapters; they do not use the ARM client.`,
    "^(\\.\\./){2}(functions|cli|status)/",
    "^\\.\\./arm/",
    OUTSIDE_SRC_DEEP,
  ),
  layer(
    ["src/functions/**/*.ts"],
    "src/functions/ may import every layer of src/ but the CLI.",
    "^\\.\\./cli/",
    OUTSIDE_SRC,
    { regex: "^@azure/(?!functions$)", message: AZURE_SDK.message },
  ),
  layer(
    ["src/cli/**/*.ts"],
    "src/cli/ may import every layer of src/ but src/functions/.",
    "^\\.\\./functions/",
    AZURE_SDK,
  ),
  layer(["src/index.ts"], "src/index.ts only registers src/functions/.", "^\\./(?!functions/)"),
  layer(["emulator/**/*.ts"], "emulator/ stands alone: it imports nothing from src/.", "^(\\.\\./)+src/"),
];

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "coverage/", ".azurite/", "infra/**/*.json"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      eqeqeq: ["error", "always"],
      "no-console": "off",
    },
  },
  ...layerRules,
);
