import type { FastifyReply, FastifyRequest } from 'fastify';
import { answer, authenticate, refuse, type McContext } from './context.js';
import { McError, type ResponseCode } from './envelope.js';
import { toMcError } from './errors.js';
import { mobileOf } from './mobile.js';
import { param, readParams } from './params.js';

type VerificationStatus = 'VERIFICATION_COMPLETED' | 'VERIFICATION_FAILED' | 'VERIFICATION_EXPIRED' | null;

interface ValidateFields {
  number: string | null;
  mobileNumber: string | null;
  status: VerificationStatus;
  transactionId: string | null;
}

// The state a refusal leaves the verification in; a wrong code that did not end it leaves none.
const STATUS_OF: Partial<Record<ResponseCode, VerificationStatus>> = {
  703: 'VERIFICATION_COMPLETED',
  705: 'VERIFICATION_EXPIRED',
  700: 'VERIFICATION_FAILED',
};

/**
 * `data` of a validate answer, keys in the order of the vendor's sample. The vendor spells the id
 * `verficationId` here; `verificationId` is added for clients that expect the send's spelling.
 */
function validateData(code: ResponseCode, errorMessage: string | null, f: ValidateFields): Record<string, unknown> {
  return {
    verficationId: f.number,
    verificationId: f.number,
    mobileNumber: f.mobileNumber,
    responseCode: String(code),
    errorMessage,
    verificationStatus: f.status,
    authToken: null,
    transactionId: f.transactionId,
  };
}

/**
 * `GET /verification/v3/validateOtp`: checks a code against the verification behind a numeric
 * verificationId of the token's account. Every wrong code counts against Verity's attempt and
 * per-destination limits.
 */
export function validateRoute(c: McContext) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const cred = await authenticate(c, req, reply);
    if (!cred) return reply;
    const p = readParams(req);
    const id = param(p, 'verificationId', 'verficationId');
    let fields: ValidateFields = { number: id && /^\d{1,19}$/.test(id) ? id : null, mobileNumber: null, status: null, transactionId: null };
    try {
      if (!id) throw new McError(400, 'verificationId is required');
      const known = fields.number ? await c.numbers.find(cred.accountId, fields.number) : undefined;
      if (!known) throw new McError(505);
      fields = { ...fields, mobileNumber: mobileOf(known.to), transactionId: known.verificationId };
      // SAUTH has no code: the answer is where the network's check left the verification.
      const v = await c.deps.verifications.get(cred.accountId, known.verificationId);
      if (v.channel === 'silent') {
        if (v.status === 'approved') return answer(c, reply, 200, validateData(200, null, { ...fields, status: 'VERIFICATION_COMPLETED' }));
        if (v.status === 'expired') throw new McError(705);
        return answer(
          c,
          reply,
          700,
          validateData(700, v.status === 'pending' ? 'VERIFICATION_PENDING' : 'VERIFICATION_FAILED', { ...fields, status: v.status === 'pending' ? null : 'VERIFICATION_FAILED' }),
        );
      }
      const code = param(p, 'code');
      if (!code) throw new McError(400, 'code is required');
      const r = await c.deps.verifications.check({ accountId: cred.accountId, ip: req.ip }, known.verificationId, code.slice(0, 64));
      if (r.valid) return answer(c, reply, 200, validateData(200, null, { ...fields, status: 'VERIFICATION_COMPLETED' }));
      const status = r.status === 'pending' ? null : 'VERIFICATION_FAILED';
      return answer(c, reply, 702, validateData(702, 'WRONG_OTP_PROVIDED', { ...fields, status }));
    } catch (err) {
      // A code that cannot be one (letters, too short) is a wrong code to the vendor's clients.
      const e = toMcError(err, { INVALID_CODE_FORMAT: 702 });
      return refuse(c, reply, e, (code, message) => validateData(code, message, { ...fields, status: STATUS_OF[code] ?? null }));
    }
  };
}
