import { TokenReferenceRequestDto } from './token-reference-request.dto';

/** RFC 7662 §2.1 introspection request. */
export class IntrospectionRequestDto extends TokenReferenceRequestDto {}
