import { describe, expect, it } from '@jest/globals';
import { GraphqlSyntaxError, parseOperation } from './graphql-document.js';

describe('parseOperation', () => {
  it.each([
    {
      case: 'variables inside an object argument',
      document:
        'mutation M($id: ID!, $c: ReportedContentClassifiers!) { minimizeComment(input: {subjectId: $id, classifier: $c}) { clientMutationId } }',
      variables: { id: 'IC_1', c: 'SPAM' },
      args: { input: { subjectId: 'IC_1', classifier: 'SPAM' } },
    },
    {
      case: 'a whole input variable',
      document:
        'mutation($input: MinimizeCommentInput!) { minimizeComment(input: $input) { clientMutationId } }',
      variables: { input: { subjectId: 'IC_2', classifier: 'OUTDATED' } },
      args: { input: { subjectId: 'IC_2', classifier: 'OUTDATED' } },
    },
    {
      case: 'literals of every kind, commas and comments',
      document: `mutation {
        # a comment
        minimizeComment(input: {subjectId: "IC_\\"3\\"", classifier: RESOLVED, n: -1.5e2, on: true, off: false, none: null, list: [1, "a"]}) { clientMutationId }
      }`,
      variables: {},
      args: {
        input: {
          subjectId: 'IC_"3"',
          classifier: 'RESOLVED',
          n: -150,
          on: true,
          off: false,
          none: null,
          list: [1, 'a'],
        },
      },
    },
  ])('reads arguments from $case', ({ document, variables, args }) => {
    const operation = parseOperation(document, variables);
    expect(operation.kind).toBe('mutation');
    expect(operation.selection[0]?.args).toEqual(args);
  });

  it('keeps aliases, flattens inline fragments and reports field positions', () => {
    const operation = parseOperation(`mutation Hide {
  a: minimizeComment(input: {subjectId: "x", classifier: SPAM}) {
    minimizedComment { ... on IssueComment { isMinimized } minimizedReason }
  }
}`);
    const [field] = operation.selection;
    expect(operation.name).toBe('Hide');
    expect(field).toMatchObject({ key: 'a', name: 'minimizeComment', location: { line: 2, column: 6 } });
    expect(field?.selection[0]?.selection.map((child) => child.key)).toEqual([
      'isMinimized',
      'minimizedReason',
    ]);
  });

  it.each([
    { document: '{ viewer { login } }', kind: 'query' },
    { document: 'query Q { viewer { login } }', kind: 'query' },
  ])('tells a query from a mutation: $document', ({ document, kind }) => {
    expect(parseOperation(document).kind).toBe(kind);
  });

  it.each(['mutation { minimizeComment(input: ', 'mutation { a(b: "unterminated) }', 'mutation { % }'])(
    'throws GraphqlSyntaxError on %j',
    (document) => {
      expect(() => parseOperation(document)).toThrow(GraphqlSyntaxError);
    },
  );
});
