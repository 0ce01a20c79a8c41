/** The browser demo at `/` (clients/web). Served by express: not a hot path. */
import express, { type Router } from 'express';

export function demoRouter(): Router {
  const router = express.Router();
  router.get('/', (_req, res) => {
    res.type('html').send('<!doctype html><title>pushlab</title><p>pushlab is running. The demo page is not built yet.</p>');
  });
  return router;
}
