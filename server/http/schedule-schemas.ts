/**
 * zod schemas of the schedule API's inputs. The pull source and options are the pull route's own
 * schemas (schemas.ts) and the timetable is server/schedule/spec.ts's, so a schedule accepts exactly
 * what a live pull and the schedule picker accept.
 */
import { z } from 'zod';

import type { CreateScheduleBody, UpdateScheduleBody } from '../../common/schedules.js';
import { pullOptionsSchema } from '../../common/source.js';
import { MAX_HISTORY_LIMIT } from '../schedule/history.js';
import { scheduleSpecSchema } from '../schedule/spec.js';
import { idSchema, isPlainHttpUrl, pullSourceSchema } from './schemas.js';

// fetch() refuses URLs with user:password, so they could never be delivered.
const webhookUrlSchema = z
  .string()
  .trim()
  .max(2000, { abort: true })
  .refine(isPlainHttpUrl, 'must be an http(s) URL without a user name or password, e.g. https://hooks.example.com/tableau-failures');

const historyLimitSchema = z.number().int().min(1).max(MAX_HISTORY_LIMIT);

const fields = {
  connectionId: idSchema,
  /** The add-in's refresh definition id (a UUID). */
  definitionId: idSchema,
  name: z.string().trim().min(1).max(200),
  source: pullSourceSchema,
  spec: scheduleSpecSchema,
};

export const createScheduleSchema = z.object({
  ...fields,
  options: pullOptionsSchema.optional(),
  webhookUrl: webhookUrlSchema.optional(),
  historyLimit: historyLimitSchema.optional(),
});

/** PUT: any subset; `webhookUrl: null` / `options: null` remove them. */
export const updateScheduleSchema = z
  .object({
    connectionId: fields.connectionId.optional(),
    definitionId: fields.definitionId.optional(),
    name: fields.name.optional(),
    source: fields.source.optional(),
    spec: fields.spec.optional(),
    options: pullOptionsSchema.nullable().optional(),
    webhookUrl: webhookUrlSchema.nullable().optional(),
    historyLimit: historyLimitSchema.optional(),
  })
  .refine((body) => Object.values(body).some((v) => v !== undefined), 'Send at least one field to change.');

export const scheduleParams = z.object({ sid: idSchema });

export const runsQuery = z.object({ limit: z.coerce.number().int().min(1).max(MAX_HISTORY_LIMIT).default(100) });

export const latestSnapshotQuery = z.object({ scheduleId: idSchema });

// What these schemas accept is what the add-in sends (common/schedules.ts), both ways.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const createMatchesApi: Same<z.infer<typeof createScheduleSchema>, CreateScheduleBody> = true;
const updateMatchesApi: Same<z.infer<typeof updateScheduleSchema>, UpdateScheduleBody> = true;
void createMatchesApi;
void updateMatchesApi;
