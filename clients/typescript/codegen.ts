// GraphQL Code Generator's client preset: typed documents (TypedDocumentNode) for the
// operations in src/operations/, from the committed schema.graphql, and the manifest of
// persisted documents the server's allow-list reads (PERSISTED_OPERATIONS_FILE).
// Paths are relative to the repository root, where `npm run client:generate` runs.
import type { CodegenConfig } from "@graphql-codegen/cli";

export const GENERATED_DIR = "clients/typescript/src/generated/";

/** The configuration, writing into `outputDir` (the committed folder unless a test compares). */
export function codegenConfig(outputDir: string = GENERATED_DIR): CodegenConfig {
  return {
    schema: "schema.graphql",
    documents: ["clients/typescript/src/operations/*.graphql"],
    ignoreNoDocuments: false,
    generates: {
      [outputDir]: {
        preset: "client",
        presetConfig: {
          // `sha256:<hex>` ids, as the GraphQL-over-HTTP persisted documents appendix names them.
          persistedDocuments: { hashAlgorithm: "sha256" },
          fragmentMasking: false,
        },
        config: {
          useTypeImports: true,
          // Imports that resolve under NodeNext as well as in bundlers.
          importExtension: ".js",
          strictScalars: true,
          scalars: { DateTime: "string", JSON: "unknown" },
          enumType: "string-literal",
        },
      },
    },
  };
}

export default codegenConfig();
