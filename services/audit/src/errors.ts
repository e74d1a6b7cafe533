import { defineErrors } from '@duka/http';

/** The audit service's error registry (STYLE 2). */
export const errors = defineErrors({
  AUDIT_INVALID_CURSOR: { status: 400, title: 'The cursor is not valid' },
});
