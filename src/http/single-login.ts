// At most one `login` per request, so that one request checks at most one password and
// the per-account and per-address counters see every guess. Two roads can carry more:
// - one document (aliases, fragments, several operations): a validation rule, which
//   graphql-ws runs too, since it validates through yoga's getEnveloped;
// - a batched HTTP request (an array of operations, which yoga runs concurrently): the
//   whole array is counted as soon as it is parsed, before any operation runs.
import {
  type ASTVisitor,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLError,
  Kind,
  parse,
  type SelectionSetNode,
  type ValidationContext,
} from "graphql";
import { createGraphQLError, type Plugin } from "graphql-yoga";

const LOGIN_FIELD = "login";

function rootLogins(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, seen: Set<string>): number {
  let count = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value === LOGIN_FIELD) count++;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      count += rootLogins(selection.selectionSet, fragments, seen);
    } else {
      const fragment = fragments.get(selection.name.value);
      // A fragment spread inside itself is invalid anyway; do not follow it round.
      if (fragment && !seen.has(fragment.name.value)) {
        count += rootLogins(fragment.selectionSet, fragments, new Set(seen).add(fragment.name.value));
      }
    }
  }
  return count;
}

/**
 * How many `login` fields the document's mutations select, counting aliases, fragment
 * spreads (each spread anew) and every mutation operation in it, whichever would run.
 */
export function loginFieldCount(document: DocumentNode): number {
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]),
  );
  let count = 0;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION && definition.operation === "mutation") {
      count += rootLogins(definition.selectionSet, fragments, new Set());
    }
  }
  return count;
}

const MESSAGE = "Only one login may be sent per request (no aliases, repeated fields or batches of logins)";

function tooManyLogins(nodes?: GraphQLError["nodes"]): GraphQLError {
  return createGraphQLError(MESSAGE, { nodes, extensions: { code: "VALIDATION", field: LOGIN_FIELD, http: { status: 400 } } });
}

export function singleLoginRule(context: ValidationContext): ASTVisitor {
  return {
    Document(document) {
      if (loginFieldCount(document) > 1) context.reportError(tooManyLogins([document]));
    },
  };
}

interface BatchedParams {
  query?: unknown;
  documentId?: unknown;
  extensions?: { persistedQuery?: { sha256Hash?: unknown } } | null;
}

function persistedId(params: BatchedParams): string | null {
  if (typeof params.documentId === "string") return params.documentId;
  const hash = params.extensions?.persistedQuery?.sha256Hash;
  return typeof hash === "string" ? hash : null;
}

/**
 * The rule for every transport, plus the count over a batched HTTP request.
 * `persistedDocument` finds the text of a persisted operation sent by id.
 */
export function useSingleLogin(persistedDocument: (id: string) => string | undefined = () => undefined): Plugin {
  const documentOf = (params: BatchedParams): string | undefined => {
    if (typeof params.query === "string" && params.query) return params.query;
    const id = persistedId(params);
    return id === null ? undefined : persistedDocument(id);
  };
  const countIn = (params: BatchedParams): number => {
    const text = documentOf(params);
    if (!text?.includes(LOGIN_FIELD)) return 0;
    try {
      return loginFieldCount(parse(text, { noLocation: true }));
    } catch {
      return 0; // refused by its own parse later, before it runs
    }
  };
  return {
    onRequestParse: () => ({
      onRequestParseDone({ requestParserResult }) {
        if (!Array.isArray(requestParserResult)) return;
        let logins = 0;
        for (const params of requestParserResult as BatchedParams[]) logins += countIn(params ?? {});
        if (logins > 1) throw tooManyLogins();
      },
    }),
    onValidate: ({ addValidationRule }) => addValidationRule(singleLoginRule),
  };
}
