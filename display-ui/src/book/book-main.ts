import { createApp } from 'vue';
import BookPage from './BookPage.vue';
import { bookI18n } from './book-i18n.ts';
import { startBookPage } from './book-state.ts';

createApp(BookPage).use(bookI18n).mount('#app');
startBookPage();
