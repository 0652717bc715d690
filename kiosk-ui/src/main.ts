import { createApp } from 'vue';
import App from './App.vue';
import { i18n } from './i18n.ts';
import { start } from './kiosk-state.ts';
import './kiosk.css';

createApp(App).use(i18n).mount('#app');
start();
