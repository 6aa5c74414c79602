import { TokenReferenceRequestDto } from './token-reference-request.dto';

/** RFC 7009 §2.1 revocation request. */
export class RevocationRequestDto extends TokenReferenceRequestDto {}
