/**
 * SQL shared by both stores' migrations (db.ts 9, postgres.ts 8), written once.
 *
 * Fails every running run that has a newer running run of the same schedule: only a lost instance
 * leaves such a run, and it is over. Needed before the "one running run per schedule" index.
 */
export const FAIL_OLDER_RUNNING_RUNS = `
  UPDATE schedule_runs
     SET status = 'failed',
         finished_at = started_at,
         error_json = '{"code":"run-interrupted","message":"The server running this was lost while the run was going on."}'
   WHERE status = 'running'
     AND EXISTS (SELECT 1 FROM schedule_runs newer
                  WHERE newer.schedule_id = schedule_runs.schedule_id
                    AND newer.status = 'running'
                    AND newer.seq > schedule_runs.seq);
`;

/** The index's name: a unique violation naming it means "this schedule is already running" (snapshots.ts). */
export const ONE_RUNNING_INDEX = 'schedule_runs_one_running';
