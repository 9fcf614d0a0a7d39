import { Button, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';

import type { ApiErrorBody } from '../../../common/stream.js';

/** A failure in plain words (the server's mapped message + hint), with an optional retry. */
export function ErrorBar({
  error,
  onRetry,
  intent = 'error',
}: {
  error: ApiErrorBody | null;
  onRetry?: () => void;
  intent?: 'error' | 'warning';
}) {
  if (!error) return null;
  return (
    <MessageBar intent={intent} layout="multiline" role="alert">
      <MessageBarBody>
        <MessageBarTitle>{error.message}</MessageBarTitle>
        {error.hint ? <div>{error.hint}</div> : null}
      </MessageBarBody>
      {onRetry ? (
        <MessageBarActions>
          <Button size="small" onClick={onRetry}>
            Try again
          </Button>
        </MessageBarActions>
      ) : null}
    </MessageBar>
  );
}

/** Several validation problems at once. */
export function ProblemsBar({ problems, title = 'Please fix this first' }: { problems: string[]; title?: string }) {
  if (problems.length === 0) return null;
  return (
    <MessageBar intent="warning" layout="multiline" role="alert">
      <MessageBarBody>
        <MessageBarTitle>{title}</MessageBarTitle>
        <ul style={{ margin: 0, paddingInlineStart: '1.2em' }}>
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      </MessageBarBody>
    </MessageBar>
  );
}
