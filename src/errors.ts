/**
 * A client mistake found below the GraphQL layer (a malformed cursor, an ID of the wrong type,
 * a value out of range). The server turns it into a `BAD_USER_INPUT` error naming `argument`.
 */
export class UserInputError extends Error {
  constructor(
    readonly argument: string,
    message: string,
  ) {
    super(`${argument}: ${message}`);
    this.name = 'UserInputError';
  }
}
