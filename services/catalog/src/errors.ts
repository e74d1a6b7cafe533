import { defineErrors } from '@duka/http';

/** catalog's error registry (STYLE 2): stable codes, each with its HTTP status. */
export const errors = defineErrors({
  CATALOG_PRODUCT_NOT_FOUND: { status: 404, title: 'Product not found' },
  CATALOG_INVALID_CURSOR: { status: 400, title: 'The cursor is not valid for this listing' },
  CATALOG_TENANT_REQUIRED: { status: 400, title: 'This route needs a tenant' },
});
