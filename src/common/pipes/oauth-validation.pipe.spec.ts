import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { OAuthError } from '../oauth/oauth.error';
import { AppValidationPipe, OAuthParameters } from './oauth-validation.pipe';

/** An ordinary (non-OAuth) body: unknown fields are refused. */
class NoteDto {
  @IsString()
  @MaxLength(10)
  title: string;
}

/** The parameters of an OAuth endpoint. */
@OAuthParameters()
class CodeParametersDto {
  @IsString({ message: 'code is required' })
  @IsNotEmpty({ message: 'code is required' })
  code: string;

  @IsOptional()
  @IsString()
  @MaxLength(10, { message: 'state is too long' })
  state?: string;
}

/** What the pipe makes of a request body for this DTO; a refusal becomes a rejection. */
async function validate(metatype: new () => object, body: unknown): Promise<unknown> {
  return new AppValidationPipe().transform(body, { type: 'body', metatype, data: undefined });
}

async function expectInvalidRequest(pending: Promise<unknown>, description: string): Promise<void> {
  const error = await pending.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(OAuthError);
  expect(error).toMatchObject({ code: 'invalid_request', status: 400, description });
}

describe(AppValidationPipe.name, () => {
  describe('on a strict DTO', () => {
    it('turns a valid body into an instance of the DTO', async () => {
      const note = await validate(NoteDto, { title: 'Groceries' });
      expect(note).toBeInstanceOf(NoteDto);
      expect(note).toEqual({ title: 'Groceries' });
    });

    it('refuses an unknown field with invalid_request', async () => {
      await expectInvalidRequest(validate(NoteDto, { title: 'Groceries', owner: 'u1' }), "Unknown parameter 'owner'");
    });

    it('refuses a constraint failure with invalid_request and the constraint message', async () => {
      await expectInvalidRequest(
        validate(NoteDto, { title: 'A much longer title' }),
        'title must be shorter than or equal to 10 characters',
      );
    });

    it('passes values without a DTO class through untouched', async () => {
      const pipe = new AppValidationPipe();
      await expect(
        Promise.resolve(pipe.transform({ anything: 1 }, { type: 'body', metatype: undefined, data: undefined })),
      ).resolves.toEqual({ anything: 1 });
    });
  });

  describe('on an @OAuthParameters DTO', () => {
    it('ignores unknown parameters (RFC 6749 §3.1) and drops them', async () => {
      const parameters = await validate(CodeParametersDto, { code: 'abc', foo: 'bar', 'foo[x]': 'y' });
      expect(parameters).toBeInstanceOf(CodeParametersDto);
      expect(parameters).toEqual({ code: 'abc' });
    });

    it('treats a parameter sent without a value as omitted', async () => {
      expect(await validate(CodeParametersDto, { code: 'abc', state: '' })).toEqual({ code: 'abc' });
    });

    it('refuses an empty required parameter with invalid_request, as if it were missing', async () => {
      await expectInvalidRequest(validate(CodeParametersDto, { code: '' }), 'code is required');
      await expectInvalidRequest(validate(CodeParametersDto, {}), 'code is required');
    });

    it('refuses a repeated declared parameter with invalid_request', async () => {
      await expectInvalidRequest(
        validate(CodeParametersDto, { code: ['a', 'b'] }),
        "Parameter 'code' must not be repeated",
      );
      await expectInvalidRequest(
        validate(CodeParametersDto, { code: 'abc', state: ['s1', 's2'] }),
        "Parameter 'state' must not be repeated",
      );
    });

    it('refuses a bracketed declared parameter (code[a]=b) with invalid_request', async () => {
      await expectInvalidRequest(
        validate(CodeParametersDto, { code: 'abc', 'code[a]': 'b' }),
        "Parameter 'code' must be a single value",
      );
      await expectInvalidRequest(
        validate(CodeParametersDto, { 'state[]': 'x' }),
        "Parameter 'state' must be a single value",
      );
    });

    it("maps a failure to invalid_request with the first problem's message", async () => {
      await expectInvalidRequest(validate(CodeParametersDto, { state: 'far too long a state' }), 'code is required');
      await expectInvalidRequest(
        validate(CodeParametersDto, { code: 'abc', state: 'far too long a state' }),
        'state is too long',
      );
    });

    it('validates the same way through the pipe for a query string (non-body) DTO', async () => {
      const pipe = new AppValidationPipe();
      await expect(
        pipe.transform({ code: 'abc', extra: '1' }, { type: 'query', metatype: CodeParametersDto, data: undefined }),
      ).resolves.toEqual(Object.assign(new CodeParametersDto(), { code: 'abc' }));
      await expect(
        pipe.transform({ state: 'x' }, { type: 'query', metatype: CodeParametersDto, data: undefined }),
      ).rejects.toMatchObject({ code: 'invalid_request', description: 'code is required' });
    });
  });
});
