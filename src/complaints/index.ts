/**
 * Complaints: the case lifecycle, business calendars (working hours, time
 * zones, China's public holidays and make-up working days), SLA policies and
 * clocks with pauses, re-targets, reopen cycles and periodic updates,
 * escalation, and compliance reports.
 *
 * @packageDocumentation
 */
export {
  weekdayKeys,
  WeeklyHoursSchema,
  CalendarHolidaySchema,
  ExtraWorkingDaySchema,
  CalendarDateOverrideSchema,
  CalendarCoverageSchema,
  BusinessCalendarConfigSchema,
  defineBusinessCalendar,
  defineAlwaysOpenCalendar,
  alwaysOpenCalendarConfig,
  isDefinedBusinessCalendar,
} from './business-calendar.js';
export type { Weekday, BusinessCalendarConfig, BusinessCalendar, ComplaintsReadonly } from './business-calendar.js';
export { TimeOfDaySchema, WorkingIntervalSchema, WorkingHoursSchema, allDayWorkingHours } from './working-hours.js';
export type { WorkingInterval, WorkingHours } from './working-hours.js';
export type { BusinessDayRule } from './calendar-timeline.js';
export {
  addBusinessTime,
  businessTimeBetween,
  nextBusinessOpening,
  isWithinBusinessHours,
  isBusinessDay,
  businessHoursOn,
  businessIntervalsBetween,
  instantOfWallClock,
} from './business-time.js';
export type { BusinessCalendarArg, BusinessDayHours, BusinessInterval } from './business-time.js';
export { PublicHolidayDataSchema, chinaPublicHolidays, withPublicHolidays, chinaOfficeWeeklyHours, defineChinaBusinessCalendar } from './public-holidays.js';
export type { PublicHolidayData, PublicHolidayDataInput, WithPublicHolidaysOptions, ChinaBusinessCalendarOptions } from './public-holidays.js';
export {
  ComplaintSeveritySchema,
  complaintSeverities,
  ComplaintCategorySchema,
  complaintCategories,
  ComplaintRootCauseSchema,
  complaintRootCauses,
  ComplaintChannelSchema,
} from './case-taxonomy.js';
export type { ComplaintSeverity, ComplaintCategory, ComplaintRootCause, ComplaintChannel } from './case-taxonomy.js';
export { ComplaintStatusSchema, complaintTransitions, finalComplaintStatuses, canTransitionComplaint, assertComplaintTransition } from './case-status.js';
export type { ComplaintStatus } from './case-status.js';
export {
  ComplaintEventSchema,
  ComplaintOpenedEventSchema,
  ComplaintStatusChangedEventSchema,
  ComplaintSeverityChangedEventSchema,
  ComplaintCategoryChangedEventSchema,
  ComplaintPublicReplyEventSchema,
  ComplaintCustomerReplyEventSchema,
  ComplaintResolvedEventSchema,
  ComplaintReopenedEventSchema,
  ComplaintClosedEventSchema,
  ComplaintCancelledEventSchema,
  ComplaintSatisfactionRecordedEventSchema,
} from './case-events.js';
export type { ComplaintEvent, ComplaintEventInput, ComplaintEventType, ComplaintOpenedEvent } from './case-events.js';
export { ComplaintCaseSchema, ComplaintSatisfactionSchema } from './case-model.js';
export type { ComplaintCase, ComplaintCaseInput } from './case-model.js';
export { openComplaintCase, applyComplaintEvent, replayComplaintCase } from './case-lifecycle.js';
export type { ComplaintLifecycleOptions } from './case-lifecycle.js';
export {
  SlaMetricSchema,
  slaMetrics,
  slaTargetKeys,
  defaultSlaPausable,
  SlaTargetSchema,
  SlaTargetSetSchema,
  SlaCategoryRuleSchema,
  SlaEscalationLevelSchema,
  SlaEscalationRuleSchema,
  SlaPolicyConfigSchema,
  defineSlaPolicy,
  isDefinedSlaPolicy,
  slaTargetsFor,
  defaultComplaintSlaPolicy,
} from './sla-policy.js';
export type { SlaMetric, SlaTargetInput, SlaEscalationLevel, SlaEscalationRule, SlaPolicyConfig, SlaPolicy, ResolvedSlaTarget, SlaTargetsByMetric } from './sla-policy.js';
export type { SlaClockStatus, SlaCancelReason, SlaPause, SlaRunningInterval, SlaRetarget, SlaCycle, SlaClock, CaseSlaEvaluation } from './sla-clock.js';
export { evaluateSla, evaluateSlaBatch } from './evaluate-sla.js';
export type { EvaluateSlaOptions } from './evaluate-sla.js';
export { dueEscalations } from './escalation.js';
export type { DueEscalationsOptions, SlaEscalation } from './escalation.js';
export { slaComplianceReport } from './compliance-report.js';
export type { SlaReportDimension, SlaComplianceReportOptions, SlaDurationStats, SlaComplianceRow, SlaRootCauseShare, SlaFlaggedDealer, SlaComplianceReport } from './compliance-report.js';
