// html.js: the one place the app takes its view library from. Every page
// imports `html` (htm bound to preact's h) and the hooks from here, so the
// vendored versions (../vendor/README.md) change in one file.
import { h, render, Fragment } from '/web/vendor/preact.mjs';
import {
  useState,
  useEffect,
  useRef,
  useCallback,
  useMemo,
} from '/web/vendor/preact-hooks.mjs';
import htm from '/web/vendor/htm.mjs';

export const html = htm.bind(h);
export { h, render, Fragment, useState, useEffect, useRef, useCallback, useMemo };
