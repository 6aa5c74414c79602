import { Controller, Delete, Get, MethodNotAllowedException, Patch, Put } from '@nestjs/common';

/** RFC 6749 §3.2, RFC 7662 §2.1, RFC 7009 §2.1: these endpoints take POST only. */
const POST_ONLY = ['token', 'introspect', 'revoke'];

function refuse(): never {
  throw new MethodNotAllowedException({ message: 'This endpoint accepts POST only', allow: 'POST' });
}

/** Answers other methods on the POST-only endpoints with 405 and `Allow: POST`, issuing nothing. */
@Controller('oauth')
export class PostOnlyController {
  @Get(POST_ONLY)
  get(): never {
    return refuse();
  }

  @Put(POST_ONLY)
  put(): never {
    return refuse();
  }

  @Patch(POST_ONLY)
  patch(): never {
    return refuse();
  }

  @Delete(POST_ONLY)
  delete(): never {
    return refuse();
  }
}
