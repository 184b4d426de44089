// src/tenancy: who is calling and what they may see: tokens, principals, tenancy seed files.
//
// The built-in demo tenancy: the published demo tokens work out of the box when no TENANTS_FILE is given.
import { readFileSync } from 'node:fs';
import { parseTenancySeed, type TenancySeed } from './seed.ts';

const demoFile = new URL('./demo-tenancy.json', import.meta.url);

export const demoTenancySource = 'built-in demo tenancy';

export function demoTenancy(): TenancySeed {
  return parseTenancySeed(demoTenancySource, readFileSync(demoFile, 'utf8'));
}
