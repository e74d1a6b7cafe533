import { defineErrors } from '@duka/http';

/** The notifications service's error registry (STYLE 2). */
export const errors = defineErrors({
  NOTIFICATIONS_INVALID_CURSOR: { status: 400, title: 'The cursor is not valid' },
});
