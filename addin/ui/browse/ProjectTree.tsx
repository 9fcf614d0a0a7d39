import { Tree, TreeItem, TreeItemLayout, type TreeItemValue, type TreeOpenChangeData } from '@fluentui/react-components';
import { createContext, type ReactNode, useContext, useId } from 'react';

import type { ConnectionInfo, ViewItem, WorkbookItem } from '../../../common/api.js';
import { useServices } from '../../app/services.js';
import { useRemembered } from '../inventory/useRemembered.js';
import { Busy } from '../shared/Busy.js';
import { ErrorBar } from '../shared/ErrorBar.js';
import { ProjectIcon, SheetIcon, sheetTypeLabel, WorkbookIcon } from '../shared/SheetIcon.js';
import { useAsync } from '../shared/useAsync.js';
import { usePagedList } from '../shared/usePagedList.js';
import { buildProjectTree, type ProjectNode } from './projectForest.js';

/** Branch contents are fetched only once opened: a site can hold thousands of workbooks. */
const OpenItems = createContext<Set<TreeItemValue>>(new Set());
const PAGE_SIZE = 100;

/**
 * Screen readers hear what each item is (Fluent's treeitem says only "tree item"): the role
 * description names the kind — project, workbook, or the kind of view — and the name stays the
 * title alone (aria-roledescription, https://www.w3.org/TR/wai-aria-1.2/#aria-roledescription).
 */
const KIND = { project: 'project', workbook: 'workbook', view: (type: string) => `${sheetTypeLabel(type)} view` };

/**
 * Projects (nested) → workbooks (page by page) → views. Arrow keys move, Enter opens. Which
 * branches are open is remembered under `memoryKey`, so Back from a view finds the tree as it was.
 */
export function ProjectTree({
  connection,
  onOpenView,
  memoryKey,
}: {
  connection: ConnectionInfo;
  onOpenView(view: ViewItem): void;
  memoryKey: string;
}) {
  const { api } = useServices();
  const [open, setOpen] = useRemembered<Set<TreeItemValue>>(memoryKey, () => new Set());
  const projects = useAsync((signal) => api.projects(connection.id, { signal }), [api, connection.id]);
  const onOpenChange = (_: unknown, data: TreeOpenChangeData) => setOpen(new Set(data.openItems));

  if (projects.loading) return <Busy label="Loading projects…" />;
  if (projects.error) return <ErrorBar error={projects.error} onRetry={projects.reload} />;
  const roots = buildProjectTree(projects.data ?? []);
  if (roots.length === 0) return <p>This site has no projects you can see.</p>;
  return (
    <OpenItems.Provider value={open}>
      <Tree aria-label="Projects and workbooks" openItems={open} onOpenChange={onOpenChange} size="small">
        {roots.map((node) => (
          <ProjectBranch key={node.project.id} node={node} connection={connection} onOpenView={onOpenView} />
        ))}
      </Tree>
    </OpenItems.Provider>
  );
}

function ProjectBranch({ node, connection, onOpenView }: { node: ProjectNode; connection: ConnectionInfo; onOpenView(v: ViewItem): void }) {
  const open = useContext(OpenItems);
  const value = `project:${node.project.id}`;
  const labelId = useId();
  return (
    <TreeItem itemType="branch" value={value} aria-labelledby={labelId} aria-roledescription={KIND.project}>
      <TreeItemLayout iconBefore={<ProjectIcon />}>
        <Label id={labelId}>{node.project.name}</Label>
      </TreeItemLayout>
      {open.has(value) ? (
        <Tree>
          {node.children.map((child) => (
            <ProjectBranch key={child.project.id} node={child} connection={connection} onOpenView={onOpenView} />
          ))}
          <ProjectWorkbooks projectId={node.project.id} connection={connection} onOpenView={onOpenView} />
        </Tree>
      ) : null}
    </TreeItem>
  );
}

function ProjectWorkbooks({
  projectId,
  connection,
  onOpenView,
}: {
  projectId: string;
  connection: ConnectionInfo;
  onOpenView(v: ViewItem): void;
}) {
  const { api } = useServices();
  const list = usePagedList(
    (page, signal) => api.workbooks(connection.id, { projectId, page, pageSize: PAGE_SIZE }, { signal }),
    [api, connection.id, projectId],
  );
  return (
    <>
      {list.items.map((wb) => (
        <WorkbookBranch key={wb.id} workbook={wb} connection={connection} onOpenView={onOpenView} />
      ))}
      {list.loading ? <StatusLeaf value={`loading:${projectId}`} text="Loading workbooks…" /> : null}
      {list.error ? <StatusLeaf value={`error:${projectId}`} text={list.error.message} /> : null}
      {!list.loading && list.hasMore ? (
        <TreeItem itemType="leaf" value={`more:${projectId}`} onClick={list.loadMore}>
          <TreeItemLayout>Load more workbooks{list.total !== null ? ` (${list.items.length} of ${list.total})` : ''}</TreeItemLayout>
        </TreeItem>
      ) : null}
    </>
  );
}

interface WorkbookProps {
  workbook: WorkbookItem;
  connection: ConnectionInfo;
  onOpenView(v: ViewItem): void;
}

function WorkbookBranch({ workbook, connection, onOpenView }: WorkbookProps) {
  const open = useContext(OpenItems);
  const value = `workbook:${workbook.id}`;
  const labelId = useId();
  return (
    <TreeItem itemType="branch" value={value} aria-labelledby={labelId} aria-roledescription={KIND.workbook}>
      <TreeItemLayout iconBefore={<WorkbookIcon />}>
        <Label id={labelId}>{workbook.name}</Label>
      </TreeItemLayout>
      {open.has(value) ? (
        <Tree>
          <WorkbookViews workbook={workbook} connection={connection} onOpenView={onOpenView} />
        </Tree>
      ) : null}
    </TreeItem>
  );
}

function WorkbookViews({ workbook, connection, onOpenView }: WorkbookProps) {
  const { api } = useServices();
  const views = useAsync((signal) => api.views(connection.id, workbook.id, { signal }), [api, connection.id, workbook.id]);
  if (views.loading) return <StatusLeaf value={`loading:${workbook.id}`} text="Loading views…" />;
  if (views.error) return <StatusLeaf value={`error:${workbook.id}`} text={views.error.message} />;
  if (!views.data?.length) return <StatusLeaf value={`empty:${workbook.id}`} text="No views" />;
  return (
    <>
      {views.data.map((view) => (
        <TreeItem
          key={view.id}
          itemType="leaf"
          value={`view:${view.id}`}
          aria-roledescription={KIND.view(view.sheetType)}
          onClick={() => onOpenView({ ...view, workbookName: view.workbookName ?? workbook.name })}
        >
          <TreeItemLayout iconBefore={<SheetIcon type={view.sheetType} />}>{view.name}</TreeItemLayout>
        </TreeItem>
      ))}
    </>
  );
}

function StatusLeaf({ value, text }: { value: string; text: string }) {
  return (
    <TreeItem itemType="leaf" value={value}>
      <TreeItemLayout>{text}</TreeItemLayout>
    </TreeItem>
  );
}

/**
 * A branch's accessible name would otherwise include the text of everything inside it once open
 * (name from content), so branches are labelled by their own title only.
 */
function Label({ id, children }: { id: string; children: ReactNode }) {
  return <span id={id}>{children}</span>;
}
