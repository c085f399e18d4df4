/** Authentication (bearer JWTs) and authorization (which executions and conversations a client may watch). */
export { parseAuthOptions, DEFAULT_CLOCK_TOLERANCE_SECONDS } from './auth-options.js'
export type { AuthOptions, AuthEnvironment, ClaimChecks, ReadTextFile } from './auth-options.js'
export { createTokenVerifier } from './verify-token.js'
export type { TokenVerifier, TokenVerification } from './verify-token.js'
export {
  grantsBeyondExecutionIds,
  mayWatchConversation,
  mayWatchExecution,
  readAccessClaims,
  UNRESTRICTED_ACCESS,
} from './access-claims.js'
export type {
  AccessClaims,
  AccessClaimsResult,
  ConversationContext,
  ExecutionContext,
  Grant,
} from './access-claims.js'
export { tokenFromUpgradeRequest, tokenFromHandshake } from './token-from-request.js'
export type { UpgradeRequestLike, HandshakeLike } from './token-from-request.js'
export { AuthMisconfiguredError, authError } from './auth-errors.js'
export type { AuthError, AuthErrorCode } from './auth-errors.js'
export { ASYMMETRIC_ALGORITHMS, MIN_SECRET_BYTES } from './verification-keys.js'
export type { AsymmetricAlgorithm } from './verification-keys.js'
