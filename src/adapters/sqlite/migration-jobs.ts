/** Migration 7: the durable job queue and its dead letters. */
export const JOBS_MIGRATION_SQL = `
  -- filled in by the job-queue work
  SELECT 1;
`;
