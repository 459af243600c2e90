// `npm run token -- --role handlaggare --unit mottagning [--sub anna]`: a local bearer token
// signed with AUTH_JWT_SECRET (or the development secret), for trying the API.
import { parseArgs } from 'node:util';
import { signLocalToken } from '../api/auth';
import { loadConfig } from '../config/env';
import { ActorSchema } from '../domain/case';
import { describeIssues } from '../domain/zod';

const { values } = parseArgs({
  options: { role: { type: 'string', default: 'handlaggare' }, unit: { type: 'string', default: 'mottagning' }, sub: { type: 'string', default: 'utvecklare' }, expires: { type: 'string', default: '8h' } },
});
const caller = ActorSchema.safeParse({ sub: values.sub, role: values.role, unit: values.unit });
if (!caller.success) {
  for (const issue of describeIssues(caller.error)) console.error(`${issue.field}: ${issue.message}`);
  process.exit(2);
}
console.log(await signLocalToken(caller.data, loadConfig().auth.jwtSecret, values.expires));
