// Pages are Preact components rendered to HTML on the server: typed templates that escape
// every value, no client framework. A page is sent whole; htmx swaps parts of it for live lists.
import type { FastifyReply } from 'fastify';
import type { VNode } from 'preact';
import { render } from 'preact-render-to-string';

/* eslint-disable @typescript-eslint/no-explicit-any -- any component's element may be sent */

export function sendPage(reply: FastifyReply, page: VNode<any>, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(`<!doctype html>${render(page)}`);
}

/** A part of a page (htmx asks with HX-Request), without the document around it. */
export function sendFragment(reply: FastifyReply, part: VNode<any>): FastifyReply {
  return reply.type('text/html; charset=utf-8').send(render(part));
}
