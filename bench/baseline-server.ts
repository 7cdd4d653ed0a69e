/** The bare Fastify 5 reference: one JSON route, no logger, nothing else. PORT from the environment. */
import Fastify from 'fastify';

const app = Fastify({ logger: false });

app.post('/echo', async (req) => {
  const body = req.body as { n?: unknown } | null;
  return { ok: true, n: typeof body?.n === 'number' ? body.n : 0 };
});

const port = Number(process.env.PORT ?? '0');
await app.listen({ port, host: '127.0.0.1' });

const stop = (): void =>
  void app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
