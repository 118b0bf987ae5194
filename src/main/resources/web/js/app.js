// @ts-check
// Freight's admin UI: the entry point. session.js signs in and out, router.js shows one view (views/) per hash
// route, new-export/ is the new-export dialog; api.js, jobs.js (live job state), ui.js and dom.js are shared.
import { startSession } from './session.js';
import { startRouter, enter } from './router.js';
import { showSignIn } from './views/signin.js';
import { refreshClocks } from './ui.js';

startRouter();
setInterval(refreshClocks, 1000);
startSession({ signedIn: enter, signedOut: showSignIn });
