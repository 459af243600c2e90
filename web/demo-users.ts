// The demo users of the local sign-in page: one per role and unit of the organisation in force,
// so that a newcomer can try every role right after `npm start`. Never in production: the page
// exists only without an OIDC issuer and while the server listens on 127.0.0.1 (config/env.ts).
import type { Caller } from '../api/auth';
import type { Organisation } from '../domain/organisation';
import { roleLabels } from './labels';

export interface DemoUser {
  caller: Caller;
  label: string;
}

export function demoUsers(organisation: Organisation): DemoUser[] {
  const users: DemoUser[] = [];
  for (const unit of organisation.units) {
    if (unit.kind !== 'intern' || unit.retired) continue;
    for (const role of ['handlaggare', 'enhetschef'] as const) {
      users.push({ caller: { sub: `demo-${role}-${unit.id}`, role, unit: unit.id }, label: `${roleLabels[role]}, ${unit.name}` });
    }
  }
  for (const role of ['sektorchef', 'samordnare'] as const) {
    users.push({ caller: { sub: `demo-${role}`, role, unit: organisation.sector.id }, label: `${roleLabels[role]}, ${organisation.sector.name}` });
  }
  return users;
}
