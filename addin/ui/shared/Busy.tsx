import { Spinner } from '@fluentui/react-components';

/** Indeterminate wait ("Contacting Tableau…"); polite so screen readers hear it once. */
export function Busy({ label }: { label: string }) {
  return (
    <div role="status" aria-live="polite">
      <Spinner size="tiny" label={label} labelPosition="after" />
    </div>
  );
}
