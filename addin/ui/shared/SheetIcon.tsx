import {
  BoardRegular,
  BookOpenRegular,
  DataBarVerticalRegular,
  DatabaseRegular,
  DocumentTableRegular,
  FolderRegular,
} from '@fluentui/react-icons';

import type { SheetType } from '../../../common/api.js';

/** Icons tell a sheet (one chart: its data exports as-is) from a dashboard or a story. */
export function SheetIcon({ type }: { type: SheetType | string }) {
  if (type === 'dashboard') return <BoardRegular aria-hidden />;
  if (type === 'story') return <BookOpenRegular aria-hidden />;
  return <DataBarVerticalRegular aria-hidden />;
}

export const sheetTypeLabel = (type: SheetType | string) => (type === 'dashboard' ? 'dashboard' : type === 'story' ? 'story' : 'sheet');

export const WorkbookIcon = () => <DocumentTableRegular aria-hidden />;
export const DatasourceIcon = () => <DatabaseRegular aria-hidden />;
export const ProjectIcon = () => <FolderRegular aria-hidden />;
