import { Button, Caption1 } from '@fluentui/react-components';

import { Busy } from './Busy.js';
import { ErrorBar } from './ErrorBar.js';
import type { PagedList } from './usePagedList.js';

/** Footer of a paged list: "Showing 100 of 2,345", Load more, and the error if a page failed. */
export function LoadMore<T>({ list, noun }: { list: PagedList<T>; noun: string }) {
  const shown = list.items.length.toLocaleString('en-US');
  const total = list.total !== null ? list.total.toLocaleString('en-US') : null;
  return (
    <>
      <ErrorBar error={list.error} />
      {list.loading ? <Busy label={`Loading ${noun}…`} /> : null}
      {!list.loading && list.total !== null ? (
        <Caption1 aria-live="polite">{list.items.length === 0 ? `No ${noun}` : `Showing ${shown} of ${total} ${noun}`}</Caption1>
      ) : null}
      {list.hasMore && !list.loading ? (
        <Button onClick={list.loadMore} aria-label={`Load more ${noun}`}>
          Load more
        </Button>
      ) : null}
    </>
  );
}
