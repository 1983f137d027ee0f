/**
 * Service-account auth for Sheets. gtoken hard-codes Google's token URL (it is also the JWT's
 * `aud`), and neither JWT nor gtoken takes a token-URL option, so a `tokenUrl` override is done
 * the supported way: a request interceptor on the client's own Gaxios transporter that redirects
 * only that one URL. Production leaves it unset.
 */
import { JWT } from "google-auth-library";

export const GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token";
export const SHEETS_SCOPE = "https://www.googleapis.com/auth/spreadsheets";

export interface ServiceAccountOptions {
  /** `GOOGLE_SERVICE_ACCOUNT_EMAIL` */
  clientEmail: string;
  /** `GOOGLE_PRIVATE_KEY`; literal `\n` sequences (as .env files carry them) become newlines. */
  privateKey: string;
  /** Tests only: where token requests go instead of Google. */
  tokenUrl?: string;
}

export function normalizePrivateKey(key: string): string {
  return key.replace(/\\n/g, "\n").trim();
}

export function createServiceAccountAuth(options: ServiceAccountOptions): JWT {
  const jwt = new JWT({ email: options.clientEmail, key: normalizePrivateKey(options.privateKey), scopes: [SHEETS_SCOPE] });
  if (options.tokenUrl) {
    const target = new URL(options.tokenUrl);
    jwt.transporter.interceptors.request.add({
      resolved: async (config) => {
        if (config.url.href === GOOGLE_TOKEN_URL) config.url = target;
        return config;
      },
    });
  }
  return jwt;
}
