/** The HTTP foundation every Duka service is built on (STYLE 1, 2, 4). */
export { createServiceApp, sendProblem, type App, type ServiceAppOptions, type ReadinessCheck } from './app.js';
export { AppError, commonErrors, defineErrors, httpErrors, problemBase, type ErrorSpec, type FieldIssue } from './errors.js';
export { roleAllows, rolePermissions, type Permission } from './permissions.js';
export { onShutdown, type Closer } from './lifecycle.js';
export { decodeCursor, encodeCursor, keysetPage } from './cursor.js';
export { z } from 'zod';
