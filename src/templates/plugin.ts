import fp from 'fastify-plugin';
import type { App } from '../http/types.js';
import { templateRoutes } from './routes.js';
import { TemplateService } from './template-service.js';
import { TemplateStore } from './template-store.js';

/** Message templates. */
export const templates = fp(
  async (app: App) => {
    const { database, clock } = app.core;
    const templateStore = new TemplateStore(database.db);
    app.parts.templates = new TemplateService(templateStore);
    await app.parts.authenticated(app, templateRoutes(templateStore, clock));
  },
  { name: 'templates', dependencies: ['infrastructure', 'accounts'] },
);
