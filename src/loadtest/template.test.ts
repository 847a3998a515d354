import { describe, expect, it } from 'vitest'
import { applyCaptures } from './capture.js'
import { render, renderText } from './template.js'

const ctx = (vars: Record<string, unknown>) => ({ vars, env: { HOME: '/home/me' }, missing: new Set<string>(), random: () => 0.5 })

describe('templates', () => {
  it('a whole-string template keeps the type; embedded ones interpolate', () => {
    const c = ctx({ productId: 42, user: { name: 'ana' }, items: ['a', 'b'] })
    expect(render({ productId: '{{ productId }}', quantity: 1 }, c)).toEqual({ productId: 42, quantity: 1 })
    expect(renderText('/products/{{ productId }}?u={{user.name}}&i={{ items[1] }}', c)).toBe('/products/42?u=ana&i=b')
    expect(renderText('{{ $env.HOME }}', c)).toBe('/home/me')
    expect(render('{{ $randomNumber(1, 10) }}', c)).toBe(6) // 1 + floor(0.5 x 10)
    expect(renderText('{{ $randomString(4) }}', c)).toHaveLength(4)
    expect(renderText('{{ $uuid }}', c)).toMatch(/^[0-9a-f-]{36}$/)
  })
  it('undefined variables render empty and are reported', () => {
    const c = ctx({})
    expect(renderText('/x/{{ nope }}', c)).toBe('/x/')
    expect([...c.missing]).toEqual(['nope'])
  })
})

describe('captures', () => {
  const res = { headers: { 'x-request-id': 'r-1' }, body: JSON.stringify({ products: [{ id: 'p42', price: 9.5 }], token: 'abc' }) }
  it('json path, header and regexp', () => {
    expect(
      applyCaptures(
        [
          { json: '$.products[0].id', as: 'productId' },
          { header: 'X-Request-Id', as: 'rid' },
          { regexp: '"price":([\\d.]+)', as: 'price' },
        ],
        res,
      ),
    ).toEqual({ values: { productId: 'p42', rid: 'r-1', price: '9.5' } })
  })
  it('a failed strict capture is reported; a non-strict one is skipped', () => {
    expect(applyCaptures([{ json: '$.missing', as: 'm' }], res).failed).toEqual({ json: '$.missing', as: 'm' })
    expect(
      applyCaptures(
        [
          { json: '$.missing', as: 'm', strict: false },
          { json: '$.token', as: 't' },
        ],
        res,
      ),
    ).toEqual({ values: { t: 'abc' } })
    expect(applyCaptures([{ json: '$.a', as: 'a' }], { headers: {}, body: 'not json' }).failed).toBeDefined()
  })
})
