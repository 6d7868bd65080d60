// What the tasks service's contract (Services/tasks/openapi.yaml, served at /openapi/tasks.json)
// allows, for the forms' own limits and choices. Each value is the document's;
// Tests/blackbox/test_web.py fails when one of them differs from the served document.

/** CreateTask.name.maxLength */
export const TASK_NAME_MAX = 200;
/** CreateTask.description.maxLength */
export const TASK_DESCRIPTION_MAX = 10000;
/** CreateTask.priority, minimum to maximum (1 is the most urgent) */
export const PRIORITIES = [1, 2, 3, 4, 5];
/** CreateTask.maxAttempts, minimum and maximum */
export const ATTEMPTS = [1, 20];
/** Message.message.maxLength (a comment), also Progress.note.maxLength */
export const MESSAGE_MAX = 4000;
/** Reason.reason.maxLength (cancel, decline) */
export const REASON_MAX = 1000;
/** Task.status.enum */
export const STATUSES = ["PENDING", "ASSIGNED", "IN_PROGRESS", "COMPLETED", "FAILED", "CANCELLED"];
/** BulkAction.ids.maxItems: how many tasks one bulk action may name */
export const BULK_MAX = 500;
