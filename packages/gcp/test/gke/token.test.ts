import { DEFAULT_GOOGLE_TOKEN_LIFETIME_MS, mintGoogleToken } from '../../src/gke/token.js';

describe('mintGoogleToken', () => {
  it.each([
    {
      expiry: 1_000_000 + 3_600_000,
      serverNow: 50_000_000,
      expiresAt: 50_000_000 + 3_600_000,
      why: 'the remaining lifetime moves onto the server clock',
    },
    {
      expiry: null,
      serverNow: 7,
      expiresAt: 7 + DEFAULT_GOOGLE_TOKEN_LIFETIME_MS,
      why: "a credential without expiry gets Google's default hour",
    },
  ])('$why', async ({ expiry, serverNow, expiresAt }) => {
    const token = await mintGoogleToken(
      () =>
        Promise.resolve({
          getAccessToken: () => Promise.resolve({ token: 'ya29.x' }),
          credentials: { expiry_date: expiry },
        }),
      serverNow,
      () => 1_000_000,
    );
    expect(token).toEqual({ token: 'ya29.x', expiresAt });
  });

  it('uses a fresh client for each token and refuses an empty one', async () => {
    let made = 0;
    const newClient = () => {
      made += 1;
      return Promise.resolve({ getAccessToken: () => Promise.resolve({ token: made === 1 ? 'a' : null }) });
    };
    expect((await mintGoogleToken(newClient, 0)).token).toBe('a');
    await expect(mintGoogleToken(newClient, 0)).rejects.toThrow(
      'the Google credentials produced no access token',
    );
    expect(made).toBe(2);
  });
});
