// The contract of the receipt page an external partner reaches from its e-mail: only the token.
import { z } from '../../domain/zod';

export const ReceiptParams = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/, { message: 'Ogiltig länk' }) });
