import { AppError, type ErrorCode } from '../errors/index.js';
import type { VerificationStatus } from './view.js';

const BY_STATUS: Record<Exclude<VerificationStatus, 'pending'>, ErrorCode> = {
  approved: 'VERIFICATION_APPROVED',
  canceled: 'VERIFICATION_CANCELED',
  expired: 'VERIFICATION_EXPIRED',
  max_attempts: 'MAX_ATTEMPTS_REACHED',
  failed: 'VERIFICATION_FAILED',
  blocked: 'VERIFICATION_BLOCKED',
};

/** A finished verification answers with its own state, never a generic not-found. */
export function finishedError(id: string, status: Exclude<VerificationStatus, 'pending'>): AppError {
  return new AppError(BY_STATUS[status], `verification ${id} is ${status.replace('_', ' ')}`, { verification_status: status });
}
