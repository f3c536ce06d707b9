// Variables that do not fit the schema (an unknown enum value, a string for an Int, a
// missing required field) are refused by graphql-js before any resolver runs. They get
// the same shape as every other input error: code VALIDATION and the field's path.
import { type ExecutionResult, GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";

// graphql-js words every variable coercion error this way.
const COERCION =
  /^Variable "\$(\w+)" (?:got invalid value .*? at "([^"]+)"|got invalid value|of required type .* was not provided|of non-null type .* must not be null)/s;

export function fieldOfCoercionError(message: string): string | null {
  const match = COERCION.exec(message);
  return match ? (match[2] ?? match[1]!) : null;
}

export function useInputErrorCodes(): Plugin {
  return {
    onExecute: () => ({
      onExecuteDone({ result, setResult }) {
        const single = result as ExecutionResult;
        if (!single.errors?.length || "next" in (result as object)) return;
        setResult({
          ...single,
          errors: single.errors.map((error) => {
            const field = fieldOfCoercionError(error.message);
            return field && !error.extensions?.code
              ? new GraphQLError(error.message, { nodes: error.nodes, extensions: { ...error.extensions, code: "VALIDATION", field } })
              : error;
          }),
        });
      },
    }),
  };
}
