// src/loyalty: the business rules of the operations, plain async functions over the store (no HTTP).
//
// Customers and companies of a tenancy seed: an upsert by Id in one transaction, inserted in chunks
// so that a seed of 100,000 customers loads in seconds.
import { emailKey, keptEmail } from '../contract/email.ts';
import * as store from '../store/accounts.ts';
import { isConstraintViolation } from '../store/errors.ts';
import { existingChainIds } from '../store/tenancy.ts';
import type { SeedAccountsApplier } from '../tenancy/seed.ts';

export const applyAccountsSeed: SeedAccountsApplier = async (db, seed, now, refuse) => {
  const customers = seed.Customers ?? [];
  const companies = seed.Companies ?? [];
  const lower = (id: string) => id.toLowerCase();

  // Chains are applied before accounts, so the database already holds the file's own chains.
  const chains = await existingChainIds(db, [...new Set([...customers, ...companies].map((a) => lower(a.ChainId)))]);
  customers.forEach((customer, index) => {
    if (!chains.has(lower(customer.ChainId))) refuse(`Customers[${index}].ChainId names a chain that is neither in the file nor in the database`);
  });
  companies.forEach((company, index) => {
    if (!chains.has(lower(company.ChainId))) refuse(`Companies[${index}].ChainId names a chain that is neither in the file nor in the database`);
  });

  const emails = new Map<string, number>();
  customers.forEach((customer, index) => {
    const email = emailKey(customer.Email);
    if (email === null) return;
    const key = `${lower(customer.ChainId)}\u0000${email}`;
    const earlier = emails.get(key);
    if (earlier !== undefined) refuse(`Customers[${index}].Email is the email of Customers[${earlier}] in the same chain`);
    emails.set(key, index);
  });

  const existing = await store.existingAccountIds(db, [...customers, ...companies].map((a) => lower(a.Id)));
  const newCustomers: store.NewCustomer[] = [];
  for (const customer of customers) {
    const fields = {
      id: lower(customer.Id), chainId: lower(customer.ChainId), firstName: customer.FirstName ?? null, lastName: customer.LastName,
      email: keptEmail(customer.Email), phone: customer.Phone ?? null, loyaltyCode: customer.LoyaltyCode ?? null,
    };
    if (existing.has(fields.id)) await store.updateCustomer(db, fields.id, fields, now);
    else newCustomers.push(fields);
  }
  try {
    await store.insertCustomers(db, newCustomers, now);
  } catch (error) {
    if (isConstraintViolation(error)) {
      refuse('a customer of the file has the Id or the email of another active customer of the chain already in the database');
    }
    throw error;
  }
  const newCompanies: store.NewCompany[] = [];
  for (const company of companies) {
    const id = lower(company.Id);
    if (existing.has(id)) {
      await store.updateCompany(db, id, { chainId: lower(company.ChainId), name: company.Name }, now);
      continue;
    }
    newCompanies.push({
      id, chainId: lower(company.ChainId), name: company.Name, invoiceable: false, addFeesToInvoices: false,
      addTaxDeductedPaymentToInvoices: false, externalIdentifier: null,
    });
  }
  await store.insertCompanies(db, newCompanies, now);
};
