// The platform profiles: the core's platform flows (src/profiles/) driven
// with the host's answers awaited between their steps.

import { GS, US, Packer, read, decodeValidation, decodePlan, answer, failure, records, SeriesError } from './wire.js';

/**
 * The profiles of one instance, over its SeriesIndex and the book's
 * failures. The create flows (shipsy.create, mor.cardsCreate,
 * abillity.stockNumber) are bound only over the server build (`server`).
 */
export function platforms(raw, wire, { SeriesIndex, indexRaw, storeFailure }, server) {
  const { take } = wire;

  // ----- Platform profiles: the core's checks and replies, the host's answers awaited between -----

  // A header by name, from a plain object (any case) or a fetch Headers.
  function headerValue(headers, name) {
    try {
      if (headers && typeof headers.get === 'function') return headers.get(name) ?? undefined;
      if (headers && typeof headers === 'object') {
        for (const key of Object.keys(headers)) if (key.toLowerCase() === name) return headers[key];
      }
    } catch {
      // unreadable headers: no header
    }
    return undefined;
  }

  // `R status US body [US xml]`.
  function reply(text) {
    const [head, body, xml] = text.split(US);
    return { status: Number(head.slice(1)), text: body, xml };
  }

  function jsonReply(text) {
    const r = reply(text);
    const out = { status: r.status, body: JSON.parse(r.text), text: r.text };
    if (r.xml !== undefined) out.xml = r.xml;
    return out;
  }

  // A host's answer: a value as it is (never awaited: awaiting reads
  // `then`, which a hostile value may make throw), or a function's value or
  // Promise, awaited. A callback that throws or rejects is STORE_FAILED.
  function ask(callback, ...args) {
    return typeof callback === 'function' ? askCallback(callback, args) : { value: callback };
  }

  async function askCallback(callback, args) {
    try {
      return { value: await callback(...args) };
    } catch (cause) {
      throw storeFailure('callback', cause);
    }
  }

  // A platform flow's answers (ProfileFlowRaw.resume's kinds).
  const ANSWER = { no: 0, yes: 1, failed: 2, value: 3, done: 4, refused: 5, held: 6 };

  // A host's answer for a platform flow, as the core reads it: the value
  // (a callback's, awaited), or failed when the callback threw or rejected.
  async function answerOf(callback, ...args) {
    try {
      return [ANSWER.value, (await ask(callback, ...args)).value];
    } catch {
      return [ANSWER.failed];
    }
  }

  // Drives one of the core's platform flows (src/profiles): each need is
  // carried to `host` (need letter, fields) and its answer fed back; the
  // core decides, and its reply ends the flow.
  async function driveProfile(flow, host) {
    try {
      let text = take(flow.start());
      while (text.charCodeAt(0) === 78 /* 'N': a need */) {
        const [, need, ...fields] = text.split(US);
        const [kind, value, code = '', message = ''] = await host(need, fields);
        text = take(kind === ANSWER.held ? flow.resumeHeld(value) : flow.resume(kind, value, code, message));
      }
      return jsonReply(text);
    } finally {
      flow.free();
    }
  }

  const shipsy = {
    /**
     * The dashboard form's Validation: every issue at once (customer, type, service types,
     * series, item code), with the count and `customer` (client_code, else hub_code, else null).
     */
    validate(body, rules) {
      const types = read(body, 'service_types');
      const count = types === undefined ? -1 : Array.isArray(types) ? types.length : -2;
      const [text, customer] = take(raw.shipsyValidate(body, count, rules)).split(GS);
      const validation = decodeValidation(text);
      validation.customer = customer ?? null;
      return validation;
    },

    /**
     * POST /api/client/integration/virtualseries/create: { status, body, text } exactly as
     * Shipsy answers. options: { apiKeyValid (boolean or function of the key), book (creates
     * the series; none: nothing is stored), rules }.
     */
    async create(body, headers, options) {
      const flow = raw.ProfileFlowRaw.shipsy(headerValue(headers, 'authorization'), body, read(options, 'rules'));
      return driveProfile(flow, async (need, fields) => {
        if (need === 'K') return answerOf(read(options, 'apiKeyValid'), fields[0]);
        const [scope, start, end, itemCode, type] = fields;
        const book = read(options, 'book');
        try {
          if (book) await book.create({ start, end, scope, item_code: itemCode, type });
          return [ANSWER.done];
        } catch (error) {
          // The book's refusal is answered as it is; anything else is the host failing.
          return error instanceof SeriesError ? [ANSWER.refused, undefined, error.code, error.message] : [ANSWER.failed];
        }
      });
    },
  };

  const mor = {
    /**
     * /billing/api/calling_cards_create: { ok, xml, plan, from, till, scope, options } (from and
     * till: the accepted range, canonical). options: { secret,
     * role (the user's MOR role; or userAllowed), canManageCards, group }. The group is the
     * host's { id, numberLength, pinLength?, existing? } (existing: a SeriesIndex of its cards,
     * an array of { start, end } numbers or { first, last } serials, or a function of
     * (from, till, scope) returning either); `scope` is where the group's cards are stored.
     */
    async cardsCreate(params, options) {
      const group = read(options, 'group');
      const flow = raw.ProfileFlowRaw.mor(params, read(options, 'secret'), options, group);
      try {
        let text = take(flow.start());
        let from, till, scope;
        if (text.charCodeAt(0) === 78 /* 'N': the group's cards */) {
          [, , from, till, scope] = text.split(US);
          const { value: existing } = await ask(read(group, 'existing') ?? [], from, till, scope);
          // The group's cards as the host holds them: an index (its stored cards
          // in from..till), or a list of { start, end } numbers or { first, last } serials.
          const held = existing instanceof SeriesIndex ? existing.overlaps({ start: from, end: till }) : existing;
          if (Array.isArray(held)) {
            const packer = new Packer(256);
            for (const card of held) {
              if (read(card, 'first') !== undefined) packer.record(['S', read(card, 'first'), read(card, 'last')]);
              else packer.record(['C', read(card, 'start'), read(card, 'end')]);
            }
            text = take(flow.resumeCards(packer.done()));
          } else {
            text = take(flow.resume(ANSWER.failed, undefined, '', ''));
          }
        }
        if (text.charCodeAt(0) === 82 /* 'R': MOR's error page */) {
          const [, xml, error] = text.split(US);
          return { ok: false, xml, error, plan: null };
        }
        if (text.charCodeAt(0) !== 80 /* 'P' */) throw failure(text);
        const [head, plan] = text.split('\x1c');
        const [, xml, batchNumber, minBalance, distributorId, language] = head.split(US);
        return {
          ok: true, xml, plan: decodePlan(records(plan)), from, till, scope,
          options: { batch_number: batchNumber, min_balance: minBalance, distributor_id: distributorId, language },
        };
      } finally {
        flow.free();
      }
    },

    /** The scope a card group's cards are stored under (`card_group:7`). */
    scope(groupId) {
      return take(raw.morScope(String(groupId)));
    },
  };

  const abillity = {
    /**
     * POST api/order/Service/{OrderServiceID}/StockNumber: { status, body, text, xml }.
     * options: { pools: [{ areaCode, first, last }], serviceId (the path's OrderServiceID),
     * serviceFound and isQuote (boolean or function), index (a SeriesIndex that remembers
     * reservations, or a function (areaCode, attempt) giving one), stockNumberId (number or
     * function), save (function of the view; a rejection with code OVERLAP looks again),
     * maxQuantity (default 1000) }.
     */
    async stockNumber(body, options) {
      const serviceId = String(read(options, 'serviceId') ?? '');
      const pools = read(options, 'pools');
      const areas = new Packer(64);
      for (const pool of Array.isArray(pools) ? pools : []) areas.record([read(pool, 'areaCode'), read(pool, 'first'), read(pool, 'last')]);
      const flow = raw.ProfileFlowRaw.stockNumber(serviceId, body, areas.done(), read(options, 'maxQuantity'));
      let index = null;
      return driveProfile(flow, async (need, fields) => {
        switch (need) {
          case 'F': return answerOf(read(options, 'serviceFound'));
          case 'Q': return answerOf(read(options, 'isQuote'));
          case 'I': return answerOf(read(options, 'stockNumberId') ?? 1);
          case 'L': {
            const source = read(options, 'index') ?? new SeriesIndex();
            const [kind, value] = await answerOf(source, fields[0], Number(fields[1]));
            index = value instanceof SeriesIndex ? value : null;
            return index ? [ANSWER.held, indexRaw(index)] : [kind === ANSWER.failed ? kind : ANSWER.value];
          }
          default: {
            const [id, areaCode, quantity, first = null, last = null] = fields;
            const view = { stockNumberId: Number(id), areaCode, quantity: Number(quantity), first, last };
            const save = read(options, 'save');
            try {
              if (typeof save === 'function') await save(view);
            } catch (error) {
              return [read(error, 'code') === 'OVERLAP' ? ANSWER.refused : ANSWER.failed, undefined, 'OVERLAP', ''];
            }
            // The index the block was found in remembers it.
            if (first !== null) index.add({ id: view.stockNumberId, start: first, end: last, scope: areaCode });
            return [ANSWER.done];
          }
        }
      });
    },

    /** Splits a quantity into request bodies of at most `max` numbers each (the configured maximum; default and cap 1000). */
    requests(areaCode, quantity, max) {
      const [size, full, rest] = answer(take(raw.abillityRequests(String(quantity), String(max ?? ''))))
        .split(US).map(Number);
      const body = (q) => ({ AreaCode: areaCode, Quantity: q });
      const list = Array.from({ length: full }, () => body(size));
      if (rest > 0) list.push(body(rest));
      return list;
    },
  };

  const crm = {
    /** Whether item_code names a TRACEABLE physical good of the host's catalog (the documented list or its `data`). */
    traceableItem(catalog, itemCode) {
      return decodeValidation(take(raw.crmTraceable(catalog, itemCode)));
    },
  };

  // The main and web builds carry no create flow (seriesguard/server does).
  if (!server) {
    delete shipsy.create;
    delete mor.cardsCreate;
    delete abillity.stockNumber;
  }
  const profiles = { shipsy, mor, abillity, crm };

  return profiles;
}
