import { createApp } from 'vue';
import App from './App.vue';
import { i18n } from './i18n.ts';
import { start } from './kiosk-state.ts';
import './kiosk.css';

// Ask the hub for the hall first: the request runs while Vue mounts.
start();
createApp(App).use(i18n).mount('#app');
