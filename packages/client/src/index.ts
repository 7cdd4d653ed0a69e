export { createVerity, type Verity, type VerityCredentials, type VerityOptions } from './client.js';
export { type Problem, VerityError, type VerityErrorCode, type WebhookFailure, WebhookVerificationError } from './errors.js';
export type { ErrorCode } from './generated/error-codes.js';
export type { components, paths } from './generated/openapi.js';
export type { TransportOptions } from './transport.js';
export type { Channel, CheckResult, ListFilters, ResendBody, StartBody, StartedVerification, TimelineEvent, Verification, VerificationPage } from './types.js';
export type { StartOptions, VerificationList, VerificationsApi } from './verifications.js';
export { verifyWebhook, type VerifyOptions, type WebhookEvent, type WebhookHeaders } from './webhooks.js';
