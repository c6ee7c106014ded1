export { AppError, InputError, NotAllowedError, NotFoundError, ConflictError } from './app-error.js';
