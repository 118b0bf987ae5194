/**
 * Scheduled exports: a cron expression read in a time zone ({@link dev.freight.schedule.CronSchedule}), schedules
 * stored in the job-store database ({@link dev.freight.schedule.ScheduleStore}), and the firing of due ticks, each
 * into one ordinary job, on every node at once ({@link dev.freight.schedule.Scheduler}). Uses the job queue below it;
 * knows nothing of HTTP or the command line, which use it.
 */
package dev.freight.schedule;
