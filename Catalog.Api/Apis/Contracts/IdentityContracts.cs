namespace Shop.Catalog.Api.Apis.Contracts;

public sealed record TokenRequest(string? UserName, string? Password);

/// <param name="TokenType">Always "Bearer": send <c>Authorization: Bearer {AccessToken}</c>.</param>
public sealed record TokenResponse(string AccessToken, string TokenType, DateTimeOffset ExpiresAt);
