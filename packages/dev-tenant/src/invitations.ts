import { randomBytes } from 'node:crypto';
import type { Middleware } from 'koa';
import { readJsonBody } from './body.js';
import type { Organization } from './organizations.js';
import type { TenantState } from './tenant-state.js';

/** How long an invitation can be accepted, as Auth0's default: 7 days. */
const INVITATION_SECONDS = 7 * 24 * 3600;

/** An invitation to join an organization: accepted once, by a login of the invited email. */
export interface Invitation {
  /** The ticket id the invitation link carries as `invitation`. */
  ticket: string;
  organizationId: string;
  /** The invited email address; the login that accepts must be the user with this email. */
  email: string;
  /** The application the invitation link opens. */
  clientId: string;
  expiresAt: number;
}

/** The invitations sent and not yet accepted (an accepted one is gone: tickets are single use). */
export class Invitations {
  readonly #byTicket = new Map<string, Invitation>();

  create(organization: Organization, email: string, clientId: string): Invitation {
    const invitation: Invitation = {
      ticket: randomBytes(16).toString('base64url'),
      organizationId: organization.id,
      email,
      clientId,
      expiresAt: Date.now() + INVITATION_SECONDS * 1000,
    };
    this.#byTicket.set(invitation.ticket, invitation);
    return invitation;
  }

  /** The invitation of a ticket, unless it was accepted or has expired. */
  find(ticket: string): Invitation | undefined {
    const invitation = this.#byTicket.get(ticket);
    if (invitation && invitation.expiresAt <= Date.now()) this.#byTicket.delete(ticket);
    return invitation && invitation.expiresAt > Date.now() ? invitation : undefined;
  }

  /** Uses a ticket up. */
  consume(ticket: string): void {
    this.#byTicket.delete(ticket);
  }
}

/**
 * The link an invitation email would hold, as Auth0 builds it: the application's login route
 * (its `initiateLoginUri`) with `invitation`, `organization` and `organization_name`. The app
 * passes the first two on to `/authorize`.
 */
export function invitationUrl(
  initiateLoginUri: string,
  invitation: Invitation,
  organization: Organization,
): string {
  const url = new URL(initiateLoginUri);
  url.searchParams.set('invitation', invitation.ticket);
  url.searchParams.set('organization', organization.id);
  url.searchParams.set('organization_name', organization.name);
  return url.href;
}

const INVITATIONS_PATH = /^\/test\/organizations\/([^/]+)\/invitations$/;

/**
 * The test-only `POST /test/organizations/{id or name}/invitations`, JSON `{ email, clientId }`:
 * invites `email` to the organization as an administrator would, and answers 201
 * `{ ticket, url }`, `url` being the invitation link (see {@link invitationUrl}). The client must
 * have an `initiateLoginUri`.
 */
export function invitationsApi(state: TenantState): Middleware {
  return async (ctx, next) => {
    const match = INVITATIONS_PATH.exec(ctx.path);
    if (!match || ctx.method !== 'POST') return next();
    const refuse = (status: number, error: string, description: string) => {
      ctx.status = status;
      ctx.body = { error, error_description: description };
    };
    const idOrName = decodeURIComponent(match[1] as string);
    const organization = state.organizations.find(idOrName);
    if (!organization) return refuse(404, 'not_found', `no organization ${idOrName}`);
    const body = (await readJsonBody(ctx.req).catch(() => undefined)) as
      | { email?: unknown; clientId?: unknown }
      | null
      | undefined;
    const { email, clientId } = body ?? {};
    if (typeof email !== 'string' || !email.includes('@') || typeof clientId !== 'string') {
      return refuse(400, 'invalid_request', 'the body must be JSON { "email", "clientId" }');
    }
    const client = state.config.clients.find((candidate) => candidate.clientId === clientId);
    if (!client) return refuse(400, 'invalid_request', `no client ${clientId}`);
    if (!client.initiateLoginUri) {
      return refuse(
        400,
        'invalid_request',
        `client ${clientId} has no initiateLoginUri, the login route an invitation link opens`,
      );
    }
    const invitation = state.invitations.create(organization, email, clientId);
    ctx.status = 201;
    ctx.body = {
      ticket: invitation.ticket,
      url: invitationUrl(client.initiateLoginUri, invitation, organization),
    };
  };
}
